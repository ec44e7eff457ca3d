// Attacks on a protected group ("gay people are disgusting", "go back to your country", "women
// belong in the kitchen"): the rule layer's part of IDENTITY_ATTACK. The models' identity heads
// learnt from term lists and HatEval and miss most of these (recall 0.12 on models/eval's
// attribute set), so a policy's identity rules rarely fired. Each rule needs a group and a
// dehumanising or hostile predicate about it; a group named alone ("women's finals were great",
// "illegal immigrants", "i'm gay") trips nothing. Reads normalizeText's output. Pure.
import { type LineRule, lineRule, rulesTripped } from './line-rules';

/** Groups named in the plural (or as "x people"), the form a generalisation about them takes. */
const GROUP = String.raw`(?:immigrants?|migrants?|refugees?|foreigners|illegals|muslims?|moslems?|jews|jewish people|blacks|black people|africans|asians|chinese people|mexicans|arabs|indians|gypsies|gays|gay people|homosexuals|lesbians|trans people|transgenders?|trannies|women|girls|females|feminists|latinos|hispanics|christians|hindus|russians|ruskis|turks|pakis|niggers|niggas|faggots|fags)`;
/** What the line says the group is. */
const VILE = String.raw`(?:animals|apes|monkeys|pigs|rats|vermin|parasites|cockroaches|roaches|subhuman|sub human|inferior|disgusting|gross|filthy|dirty|trash|garbage|scum|criminals|terrorists|rapists|thieves|savages|stupid|dumb|retarded|retards|useless|worthless|a disease|a cancer|cancer|a plague|evil|sick|mentally ill|not human|lazy|a joke|the worst|worse than \w+|ruining|destroying|the problem|inbred|smelly)`;
/** Hostile words in front of a group ("dirty immigrants"); "illegal" is left out: it describes. */
const VILE_BEFORE = String.raw`(?:disgusting|dirty|filthy|stupid|dumb|fucking|fuckin|fkin|damn|bloody|worthless|lazy|smelly|retarded|useless)`;

/** French: the groups, and the same shapes (the multilingual model reads French lines, and misses these as the English heads do). */
const GROUP_FR = String.raw`(?:arabes|noirs|juifs|musulmans|immigres|migrants|etrangers|gitans|roms|chinois|asiatiques|gays|homos|lesbiennes|femmes|meufs|renois|rebeus|negres|bougnoules)`;

export const IDENTITY_RULES: readonly LineRule[] = [
  lineRule('group is vile', String.raw`${GROUP} (?:are|r|is) (?:all |so |such |just |literally |fucking |all just )?${VILE}`),
  lineRule('vile group', String.raw`${VILE_BEFORE} ${GROUP}`),
  lineRule('vile one', String.raw`(?:dirty|filthy|stupid|fucking|fuckin|disgusting|smelly) (?:jew|muslim|arab|mexican|gypsy|paki|immigrant|refugee|foreigner|woman)`),
  lineRule('not people', String.raw`${GROUP} (?:are|r|is) not (?:people|human|humans|real people)`),
  lineRule('hate group', String.raw`(?:i |we )?hate (?:all |the |those |these )?${GROUP}`),
  lineRule('harm group', String.raw`(?:kill|deport|gas|exterminate|shoot|hang|lynch|burn|genocide) (?:(?:all|the|those|these|every) )*${GROUP}`),
  lineRule('group should', String.raw`${GROUP} (?:should|must|need to|deserve to|ought to|have to) (?:all )?(?:die|be killed|be deported|be gassed|be shot|burn|be banned|go back|leave|not vote|stay in the kitchen|stay at home|stay out of gaming|be slaves|shut up)`),
  lineRule('group ruins', String.raw`${GROUP} (?:ruin|ruins|ruined|destroy|destroys|control|controls|invade|invading|steal|stealing|rape|raping|are taking over|take over|breed like)`),
  lineRule('send back', String.raw`(?:send|ship|deport) (?:them|em|all of them|those people|${GROUP}) (?:all )?back`),
  // Slurs for a group: an identity attack whatever the rest of the line says. Words with a reclaimed
  // or harmless use (nigga, dyke, homo, gay, retard) stay with the models and the lexicon.
  lineRule('slur', String.raw`niggers?|nigger\w*|sand niggers?|faggots?|kikes?|spics?|chinks?|trannys?|trannies|ragheads?|towelheads?|wetbacks?|gooks?`),
  lineRule('go back to', String.raw`go back to (?:your (?:own |shithole |shit )?country|africa|mexico|china|india|pakistan|syria|the desert|the jungle|where (?:you|u) came from|the kitchen|ur country)`),
  lineRule('kitchen', String.raw`belongs? in the kitchen|back to the kitchen|(?:go )?make me a sandwich|get back in the kitchen`),
  lineRule('cannot play', String.raw`(?:women|girls|females|chicks) (?:cant|can not|cannot|should not|shouldnt|dont|do not) (?:play|game|aim|drive|think|lead|shotcall)`),
  lineRule('not welcome', String.raw`no ${GROUP} allowed|${GROUP} (?:are not|arent|r not|not) welcome|your kind (?:is not|isnt|are not|arent|not) welcome|(?:you|u) and your kind`),
  lineRule('fr group is vile', String.raw`(?:les )?${GROUP_FR} (?:c est|cest|sont|ce sont) (?:tous |toutes |que |juste )?(?:des )?(?:animaux|singes|chiens|rats|porcs|cafards|parasites|terroristes|voleurs|dechets|merdes|sous hommes|inferieurs|degueulasses)`),
  lineRule('fr vile one', String.raw`sale (?:arabe|noir|juif|musulman|immigre|etranger|gitan|chinois|negre|bougnoule|youpin|pede|gouine|bicot|rebeu|renoi)s?`),
  lineRule('fr go back', String.raw`(?:retourne|rentre|repars|casse toi) (?:dans|en|au|a) (?:ton pays|ta brousse|afrique|algerie|maroc|tunisie|chine|ton bled)`),
  lineRule('fr kitchen', String.raw`retourne (?:a|dans) la cuisine|les (?:femmes|meufs|filles) (?:savent pas|ne savent pas|peuvent pas|ne peuvent pas) (?:jouer|viser)`),
  lineRule('fr slur', String.raw`bougnoules?|youpins?|negres?|bamboulas?|bicots?|chinetoques?|niakoues?|tarlouzes?`),
];

/**
 * A word every rule needs (its group, slur, or the kitchen / back / kind it names): one search for
 * these rules out almost every line. Cheaper than the rules' union, which reads common words such
 * as "fucking" or "you" at every position. A test checks it on every rule's own lines.
 */
const ANCHOR = new RegExp(String.raw`(?:^| )(?:${GROUP}|jew|muslim|arab|mexican|gypsy|paki|immigrant|refugee|foreigner|woman|chicks|kitchen|sandwich|back|kind|nigger\w*|sand|faggots?|kikes?|spics?|chinks?|trannys?|gooks?|ragheads?|towelheads?|wetbacks?|${GROUP_FR}|sale|retourne|rentre|repars|toi|filles|bougnoules?|youpins?|negres?|bamboulas?|bicots?|chinetoques?|niakoues?|tarlouzes?)(?: |$)`);

/** The identity rules a normalised line trips, by name; empty for almost every line. */
export function identityAttackRules(normalised: string): string[] {
  return rulesTripped(IDENTITY_RULES, ANCHOR, normalised);
}
