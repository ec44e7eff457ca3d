// The rule layer beside the fast model: what must never take the fast ok route (threats,
// self-harm encouragement, doxxing), what is only a mild taunt about play ("gg ez"), the
// obscene gesture neither model can read (emoji are normalised away), attacks on a protected
// group (identity-rules.ts) and sexual harassment (sexual-rules.ts), which the models' heads
// miss. Pure:
// text in, findings out. The patterns read normalizeText's output (leetspeak, spacing and accents
// already undone), so "k.y.s", "k1ll y0urs3lf" and "i kn0w wh3re u l1ve" need no rule of their own.
// Each function takes the normalised text as an optional argument: the fast scorer has already
// computed it, and normalising again was most of the rule layer's cost.
import { type Alarm, ALARM_KINDS, type AlarmKind, type CategoryScores, type ToxicityScore } from '@sinbin/contract';
import { normalizeForFeatures } from './fast-features';
import { identityAttackRules } from './identity-rules';
import { sexualRules } from './sexual-rules';

interface AlarmRule {
  name: string;
  kind: AlarmKind;
  pattern: RegExp;
  /** Silenced when the line talks about the game itself ("kill yourself in lava to reset"), unless it says "irl". */
  gameable?: boolean;
  /** Read the raw text instead of the normalised one (digits, emoji). */
  raw?: boolean;
}

const YOU = String.raw`(?:you|u|ya|yu)`;
const YOUR = String.raw`(?:your|ur|yur|yo)`;
const SELF = String.raw`(?:yourself|urself|yourselves|yoself|yo self|your self|ur self|urselfs?)`;
const WILL = String.raw`(?:i will|i ?ll|im going to|im gonna|i am going to|i am gonna|gonna|imma|ima|i swear ill|going to)`;
const HARM_VERB = String.raw`(?:kill|stab|shoot|hurt|beat|strangle|burn|end|unalive|murder|cut|choke|break|smash|find|hunt|get)`;

const r = (name: string, kind: AlarmKind, source: string, opts: { gameable?: boolean; raw?: boolean } = {}): AlarmRule =>
  ({ name, kind, pattern: new RegExp(opts.raw ? source : String.raw`(?:^| )(?:${source})(?: |$)`, opts.raw ? 'u' : ''), ...opts });

/** Lines that talk about the game's own world; a threat rule marked gameable stays quiet on them. */
const GAME_CONTEXT = /(?:^| )(?:respawn|reset|lava|grenade|spawn|boss|quest|round|match|1v1|arena|ranked|finals?|lane|mid|tower|towers|raid|loot|minimap|map|server|in game|ingame|in the game|next game|rematch|base|plot|guild|npc|cutscene|aggro|dummy|hp|mana|pvp|dungeon|respawns?)(?: |$)/;
const IRL = /(?:^| )(?:irl|in real life|for real|fr fr|not in the game|at the lan|outside|after school|swear on my life)(?: |$)/;

export const ALARM_RULES: readonly AlarmRule[] = [
  // Self-harm encouragement: "kys" in any spelling, and its phrasings.
  r('kys', 'self_harm', String.raw`kys+|kyfs|k ys|ky s`),
  r('kill yourself', 'self_harm', String.raw`(?:kill|kil|kll|unalive|neck|hang|rope|off|cut|starve|end) ${SELF}`, { gameable: true }),
  r('an hero', 'self_harm', String.raw`an hero`),
  r('go die', 'self_harm', String.raw`go (?:die|drown|jump|hang)(?: in a (?:hole|ditch|fire))?(?: already| pls| please| lol)?$`),
  r('drink bleach', 'self_harm', String.raw`(?:drink|drinking|eat) (?:bleach|javel|de la javel)|bois de la javel`),
  r('jump off', 'self_harm', String.raw`(?:jump|flip) off (?:a|some) (?:tall )?(?:bridge|building|roof|cliff)|go play in traffic|the bridge is that way`),
  r('slit wrists', 'self_harm', String.raw`slit ${YOUR} wrists?|cut deeper|${YOU} should cut|starve ${SELF}`),
  r('rope', 'self_harm', String.raw`(?:tie|grab|get|buy|find) (?:the|a|ur|your|${SELF} a) (?:rope|noose)(?: already| now| pls| please| lol| and (?:hang|do it|end it))*$`),
  r('pills', 'self_harm', String.raw`(?:just )?(?:take|swallow|down) (?:all )?(?:the|ur|your|a bottle of|the whole bottle of) (?:pills|meds|sleeping pills)(?: already| now| pls| please| lol)*$|(?:just|go) overdose(?: already)?$`),
  r('uninstall life', 'self_harm', String.raw`uninstall (?:your )?life|delete (?:your )?life`),
  r('end it', 'self_harm', String.raw`(?:just |do it,? )?end it (?:tonight|already,? nobody|nobody)|${YOU}re worthless,? just end it|nobody would (?:miss|care about) ${YOU}|(?:world|everyone) would be better (?:off )?without ${YOU}|if ${YOU}re so depressed|stream it when ${YOU} do it`),
  r('va te tuer', 'self_harm', String.raw`(?:tue|pends|suicide|jette)(?: ?toi)|va (?:te )?(?:tuer|pendre|crever|suicider)|creve en silence|va crever|saute par la fenetre`, { gameable: true }),
  // Threats: harm to the person, the family, the home, the account.
  r('i know where you live', 'threat', String.raw`i know where ${YOU} live|je sais ou (?:t ?habites|tu habites|tu vis)`, { gameable: true }),
  r('harm verb to you', 'threat', String.raw`${WILL} (?:${HARM_VERB})(?: and \w+)? ${YOU}\b.*(?:irl|for real|in real life|not in the game|if i (?:ever )?see ${YOU}|swear)`),
  r('harm verb to you, no game', 'threat', String.raw`${WILL} (?:kill|stab|shoot|hurt|strangle|burn|beat|unalive|rape|put ${YOU} in the hospital|find ${YOU} and|hunt ${YOU} down|break ${YOUR} legs|make ${YOU} disappear|cut ${YOU})`, { gameable: true }),
  r('harm to family', 'threat', String.raw`(?:hurt|find|kill|k[i1]ll) ${YOUR} (?:little )?(?:sister|brother|mom|mum|mother|dad|father|parents|fam+i+l+y|dog|cat)|${YOUR} family (?:wont|will not) be safe|poison ${YOUR} (?:dog|cat)`),
  r('hope you die', 'threat', String.raw`hope (?:${YOU}|${YOUR}(?: \w+){1,2}) (?:die|dies|get cancer|gets cancer|get hit by|gets hit by|burns? down|get raped)|hope someone (?:breaks into|kills|hurts)|hope ${YOUR} house burns|(?:espere|j ?espere) que (?:t ?auras|tu auras|tu vas avoir|tu attrapes) un cancer`),
  r('come to your house', 'threat', String.raw`(?:come|coming|driving|drive|going|be) (?:to|at|outside) ${YOUR} (?:house|home|place|school|door)|pay ${YOU} a visit|standing over ${YOUR} bed|burn ${YOUR} house|shoot up ${YOUR} school|watch ${YOUR} back|sleep with one eye open|${YOUR} last (?:day|week|night) alive|wont see (?:tmrw|tomorrow)|dead when i find ${YOU}|6 ft under irl|six feet under irl`, { gameable: true }),
  r('meet outside', 'threat', String.raw`meet me outside|wait till i get my hands on ${YOU}|(?:when|if) i see ${YOU} (?:at the lan|irl|outside)|at the lan (?:im|i am|i ll|ill|youre)|next time we meet`),
  r('online harm', 'threat', String.raw`(?:ddos|swat|hack|dox+) (?:${YOU}|${YOUR})|(?:getting|get|gonna get) ${YOU} swatted|te faire swat|leak ${YOUR}|post ${YOUR} (?:face|pics|nudes|address)|get into ${YOUR} (?:webcam|camera)|ruin ${YOUR} life|harass ${YOU}|spam ${YOUR} dms|raid ${YOUR} stream|grief ${YOU} till|(?:find|found) ${YOUR} (?:stream|twitch|channel|discord|socials)\b.*(?:raid|spam|flood|ruin|harass|swat|dox)`),
  r('french threat', 'threat', String.raw`je vais te (?:retrouver|tuer|buter|trouver) (?:irl|a la sortie|chez toi)|j ?vais te violer|je vais te violer|j ?te bute|jte bute|t ?as interet a pas sortir|je vais te retrouver irl|je te trouve|qd je te trouv|quand je te trouve`),
  // Doxxing: disclosing or asking for a real identity, address, school, IP, phone or family.
  r('ip address', 'doxxing', String.raw`\b(?:\d{1,3}\.){3}\d{1,3}\b`, { raw: true }),
  r('real name', 'doxxing', String.raw`real name|vrai nom|ton nom c ?est|(?:${YOUR} name is|(?:is|isnt|aint) ${YOUR} name) [a-z]+ [a-z]+ from`),
  r('ask address', 'doxxing', String.raw`(?:whats|what is|tell me|give me|send me|drop|gimme|donne|envoie) (?:me )?(?:${YOUR}|ton|ta) (?:home |real )?(?:address|adresse|ip|phone|number|numero|snapchat|snap|insta|instagram|facebook|school|ecole)|post ${YOUR} address|balancer ton adresse|${YOUR} (?:home )?address`, { gameable: true }),
  r('ask location', 'doxxing', String.raw`(?:what|which) (?:city|town|school|street) (?:do )?${YOU} (?:live|go)|which school|where do ${YOU} live|what time does ${YOUR} school|how old are ${YOU} and where|tell me where ${YOU} live|t ?es dans quelle ville|t ?habites (?:rue|a|au|pres)|t ?es au (?:college|lycee)`, { gameable: true }),
  r('ask photo', 'doxxing', String.raw`send (?:me )?(?:a )?(?:pic|picture|photo|selfie)s?(?: of)?(?: ${YOUR}| ${YOU}| ${SELF})?|envoie (?:une )?photo de toi`),
  r('know your details', 'doxxing', String.raw`i (?:know|found|have|got|traced|looked ${YOU} up)\b.*(?:${YOUR} (?:school|address|home address|ip|facebook|insta|phone|mom|family|real)|${YOUR} ip)|(?:traced|got) ${YOUR} ip|grab ${YOUR} ip|${YOUR} ip(?: is| was)?(?: \d| \w+ \d)|${YOUR} (?:phone|cell) number|${YOUR} (?:mom|mum|dad|father|mother) (?:s name|works at|name)|${YOU} live (?:on|near|at) [a-z]+ (?:street|st|road|rd|ave|avenue|station|lane)|${YOU} live near the|${YOU} go to [a-z]+ (?:high|school|college|academy)|\d+ [a-z]+ (?:street|road|avenue)`, { gameable: true }),
  // Emoji threats: a knife next to a house, eyes or "you".
  r('knife emoji', 'threat', String.raw`🔪.*(?:🏠|👀)|(?:🏠|👀).*🔪`, { raw: true }),
];

export interface RuleFindings {
  kinds: AlarmKind[];
  rules: string[];
}

/**
 * All the rules as one pattern each for the normalised and the raw text: most lines trip none,
 * and one search of the union is a fraction of the cost of 26 searches. A line matches the union
 * exactly when it matches one of the rules, so the pre-check never skips a line a rule would flag.
 */
const union = (raw: boolean) => new RegExp(ALARM_RULES.filter((rule) => !rule.raw === !raw).map((rule) => `(?:${rule.pattern.source})`).join('|'), raw ? 'u' : '');
const ANY_ALARM = union(false);
const ANY_RAW_ALARM = union(true);

/** Whether any alarm rule's pattern matches (before the game-context silencing); false: alarmRules finds nothing. */
export function mayTripAlarm(text: string, normalised: string): boolean {
  return ANY_ALARM.test(normalised) || (mayTripRawRule(text) && ANY_RAW_ALARM.test(text));
}

/**
 * What every raw rule needs: an IP address has a digit followed by a dot, the knife rule the knife
 * emoji. Cheaper than the raw union's Unicode search on a line that has neither (most lines).
 */
const KNIFE = '\u{1F52A}';
const DIGIT_DOT = /\d\./;
function mayTripRawRule(text: string): boolean {
  return text.includes(KNIFE) || DIGIT_DOT.test(text);
}

/** alarmRules' answer for a line mayTripAlarm rules out; shared, never handed to a caller. */
const NO_FINDINGS: RuleFindings = { kinds: [], rules: [] };

/** Which alarm rules a message trips; empty when none. `normalised`: normalizeText(text), when the caller has it. */
export function alarmRules(text: string, normalised = normalizeForFeatures(text)): RuleFindings {
  if (!mayTripAlarm(text, normalised)) return { kinds: [], rules: [] };
  const inGame = GAME_CONTEXT.test(normalised) && !IRL.test(normalised);
  const kinds = new Set<AlarmKind>();
  const rules: string[] = [];
  for (const rule of ALARM_RULES) {
    if (rule.gameable && inGame) continue;
    if (!rule.pattern.test(rule.raw ? text : normalised)) continue;
    kinds.add(rule.kind);
    rules.push(rule.name);
  }
  return { kinds: [...kinds], rules };
}

// --- Mild taunts ------------------------------------------------------------------------------

/** Taunts about someone's play: each marks a line as a mild taunt unless something harder is there. */
const TAUNT = new RegExp(String.raw`(?:^| )(?:${[
  'ez+', 'gg ez', 'ez clap', 'ez game', 'noobs?', 'nubs?', 'newbs?', 'noob team', 'uninstall(?: the game)?', 'desinstalle', 'l2p', 'get good', 'git gud',
  'skill issue', 'bots?', 'bronze', 'low elo', 'free elo', 'stay mad', 'cry about it', 'cope', 'rip bozo', 'rip', 'sit down', 'too easy', 'trop facile',
  'outplayed', 'scrub', 'feeder', 'tilte', 'cheh', 'nul', 'nulle', 'trop nul', 'inutile', 'useless', 'worst', 'so bad', 'this bad', 'carried', 'carry par',
  'tutorial', 'tuto', 'toddlers', 'grandma', 'monitor off', 'ff ?15', 'report', 'a la ramasse', 'touristes', 'passoire', 'patate', 'bad', 'gg no re', 'tu feed',
  'imagine (?:losing|being)', 'who carried', 'bought that account', 'buy that account', 'achete ton compte', 'nice try',
].join('|')})(?: |$)`);

/** Words that make a line more than a taunt: insults of the person, slurs, sexual words, swearing at someone. */
const HARDER = new RegExp(String.raw`(?:^| )(?:${[
  'fuck\\w*', 'fck\\w*', 'fuk\\w*', 'shit\\w*', 'bitch\\w*', 'cunt\\w*', 'whore\\w*', 'slut\\w*', 'dick\\w*', 'cock\\w*', 'pussy\\w*', 'asshole\\w*', 'bastard\\w*',
  'idiot\\w*', 'moron\\w*', 'retard\\w*', 'tard', 'autist\\w*', 'stupid', 'dumb\\w*', 'braindead', 'trash', 'garbage', 'scum\\w*', 'loser', 'ugly', 'fat',
  'nigg\\w*', 'fag\\w*', 'gay', 'homo', 'tranny', 'kike', 'spic', 'chink', 'subhuman', 'rape\\w*', 'kys', 'die', 'kill\\w*', 'cancer', 'mom', 'mother', 'mere',
  'connard\\w*', 'conne?', 'encule\\w*', 'salope\\w*', 'pute\\w*', 'batard\\w*', 'abruti\\w*', 'debile\\w*', 'fdp', 'ntm', 'tg', 'ftg', 'vtff', 'nique\\w*', 'merde',
  'imbecile\\w*', 'moche', 'sans cerveau', 'mess you up', 'pd', 'tepu', 'tarba', 'bolos', 'teube', 'cheum', 'mongol\\w*', 'gogol\\w*', 'triso\\w*', 'autiste', 'stfu', 'gtfo', 'shut up', 'ta gueule', 'ferme la',
].join('|')})(?: |$)`);

/** Longer lines are not "just a taunt": a rant with a taunt word in it is judged as a whole. */
const MAX_TAUNT_WORDS = 12;

/** A mild taunt about play ("gg ez", "noob team", "retourne en bronze") with nothing harder in it. */
export function isMildTaunt(text: string, normalised = normalizeForFeatures(text)): boolean {
  return tauntWithoutHarder(normalised) && !hasObsceneGesture(text) && alarmRules(text, normalised).kinds.length === 0;
}

// --- Obscene gestures ---------------------------------------------------------------------------

/** The middle finger (a skin tone, when given, follows it). Normalisation drops emoji: neither model sees it. */
const MIDDLE_FINGER = '\u{1F595}';
/**
 * Toxicity (and insult, profanity) a gesture raises the fast score to, so the decision names its
 * category and policies' score rules match it. The route does not depend on it: the gesture's flag
 * sends the line down the toxic route whatever a game's band (routeFast).
 */
const GESTURE_FLOOR = 0.95;

export function hasObsceneGesture(text: string): boolean {
  return text.includes(MIDDLE_FINGER);
}

/** isMildTaunt less its alarm check, for a caller that has just run the alarm rules. The cheapest test first. */
function tauntWithoutHarder(normalised: string): boolean {
  if (!TAUNT.test(normalised) || normalised.split(' ').length > MAX_TAUNT_WORDS) return false;
  return !HARDER.test(normalised);
}

// --- Applying the rules to a fast score ---------------------------------------------------------

/** A category a tripped rule raises its score to, so the decision names it and policies match it. */
const RULE_CATEGORY_FLOOR = 0.9;

/**
 * The fast score with the rule layer's findings: the alarm (the model's own, from its alarm head,
 * and the rules'), the category of each tripped rule raised (doxxing counts as `threat`, the
 * category policies act on; an identity attack raises `identity_hate` and the toxicity, sexual
 * harassment `sexual` and the toxicity), and the mild-taunt, gesture and identity-attack flags.
 */
export function applyRules(text: string, score: ToxicityScore, normalised = normalizeForFeatures(text)): ToxicityScore {
  // Most lines trip nothing: one search, no findings built.
  const findings = mayTripAlarm(text, normalised) ? alarmRules(text, normalised) : NO_FINDINGS;
  const gesture = hasObsceneGesture(text);
  const identityAttack = identityAttackRules(normalised).length > 0;
  const sexual = sexualRules(normalised).length > 0;
  // Copied only when a rule raises a category (most lines trip none).
  const categories = findings.kinds.length > 0 || gesture || identityAttack || sexual ? { ...score.categories } : score.categories;
  for (const kind of findings.kinds) {
    const category = kind === 'self_harm' ? 'self_harm' : 'threat';
    categories[category] = Math.max(categories[category], RULE_CATEGORY_FLOOR);
  }
  if (gesture) {
    categories.insult = Math.max(categories.insult, GESTURE_FLOOR);
    categories.profanity = Math.max(categories.profanity, GESTURE_FLOOR);
  }
  if (identityAttack) categories.identity_hate = Math.max(categories.identity_hate, RULE_CATEGORY_FLOOR);
  if (sexual) categories.sexual = Math.max(categories.sexual, RULE_CATEGORY_FLOOR);
  const toxicity = gesture ? Math.max(score.toxicity, GESTURE_FLOOR) : identityAttack || sexual ? Math.max(score.toxicity, RULE_CATEGORY_FLOOR) : score.toxicity;
  const alarm = mergeAlarm(score.alarm, findings);
  // No alarm means no rule tripped: isMildTaunt's own alarm check would only repeat alarmRules.
  const mildTaunt = !alarm && !gesture && !identityAttack && !sexual && tauntWithoutHarder(normalised);
  // The keys in the order a spread of conditional objects gave, without those objects. The flag,
  // not only the raised score, routes the line (routeFast): a game's band can start above 0.95.
  const out: ToxicityScore = { ...score, toxicity, categories };
  if (alarm) out.alarm = alarm;
  if (mildTaunt) out.mildTaunt = mildTaunt;
  if (gesture) out.obsceneGesture = true;
  if (identityAttack) out.identityAttack = true;
  if (sexual) out.sexualHarassment = true;
  return out;
}

function mergeAlarm(model: Alarm | undefined, findings: RuleFindings): Alarm | undefined {
  if (!model && findings.kinds.length === 0) return undefined;
  const kinds = new Set<AlarmKind>([...(model?.kinds ?? []), ...findings.kinds]);
  const by = new Set<'model' | 'rule'>([...(model?.by ?? []), ...(findings.kinds.length ? ['rule' as const] : [])]);
  const rules = [...(model?.rules ?? []), ...findings.rules].slice(0, 16);
  return { kinds: ALARM_KINDS.filter((k) => kinds.has(k)), by: [...by], ...(rules.length ? { rules } : {}) };
}

/** The alarm of a model's alarm head: its kind is the stronger of the model's threat and self-harm scores. */
export function modelAlarm(categories: Pick<CategoryScores, 'threat' | 'self_harm'>): Alarm {
  return { kinds: [categories.self_harm > categories.threat ? 'self_harm' : 'threat'], by: ['model'] };
}
