// Sexual harassment in chat ("send nudes", "sit on my face", "what are you wearing"): the rule
// layer's part of the `sexual` category. The models' sexual heads learnt from term lists and miss
// requests and innuendo without a sexual word (F1 0.33 on models/eval's attribute set), so
// "send nudes" was allowed. A line that trips a rule is flagged (`sexualHarassment`: the toxic
// route under every band, the decision names `sexual`) and raised to toxicity and `sexual` 0.9, so
// any policy rule on `scores.sexual` matches it. Reads normalizeText's output. Pure.
import { type LineRule, lineRule, rulesTripped } from './line-rules';

const YOU = String.raw`(?:you|u|ya)`;
const YOUR = String.raw`(?:your|ur|yo)`;

export const SEXUAL_RULES: readonly LineRule[] = [
  lineRule('ask for nudes', String.raw`send (?:me )?(?:${YOUR} |some |a |the |more )?(?:nudes?|noods?|nudez|tits|titties|boobs|boobies|bobs|vagene|vagana|vegana|pussy pics?|dick pics?|nsfw pics?|naked pics?|sexy pics?|feet pics?)`),
  lineRule('show me', String.raw`show (?:me )?(?:${YOUR} |those |them |some )?(?:tits|titties|boobs|boobies|bobs|pussy|vagina|dick|cock|ass|feet|body)`),
  lineRule('ask for sex', String.raw`(?:wanna|want to|do ${YOU} want to|lets|let s|come) (?:sext|fuck|have sex|bang|smash|suck my|see my (?:dick|cock))`),
  lineRule('sex acts', String.raw`(?:suck|lick) my (?:dick|cock|balls|d|pp|nuts|toes)|sit on my (?:face|dick|lap|cock)|blow me|(?:cum|jizz|nut) (?:on|in) (?:${YOU}|${YOUR})|on ${YOUR} knees (?:and|for me|bitch)`),
  // Not "i'll fuck you up", "i'll smash your face in", "ill eat you alive": threats and trash talk, not sex.
  lineRule('i will have you', String.raw`(?:i (?:want to|wanna|will|ll|d|would|am gonna|m gonna|gonna)|id|ill|imma|ima) (?:(?:fuck|bang|screw) ${YOU}(?! up| over| all| guys)|(?:fuck|bang|smash|screw) (?:that ass|${YOUR} (?:mom|mum|mother|sister|sis|girl|gf))|eat ${YOU} out|eat (?:that|${YOUR}) (?:ass|pussy))`),
  lineRule('fr ask for nudes', String.raw`(?:envoie|envoi|montre) (?:moi )?(?:des |tes |une |ta |ton )?(?:nudes?|seins|nichons|chatte|cul|photo de toi nue|photos de toi nue)`),
  lineRule('fr ask for sex', String.raw`tu veux baiser|je vais te (?:baiser|violer|prendre)|suce (?:moi|ma bite|ma queue)`),
  lineRule('creep', String.raw`what (?:are|r) ${YOU} wearing|are ${YOU} (?:a virgin|horny)|${YOUR} (?:tits|boobs|ass|pussy) (?:is|are|look|looks)`),
];

/** A word every rule needs: one search for these rules out almost every line (a test checks it on every rule's own lines). */
const ANCHOR = /(?:^| )(?:send|show|wanna|want|lets|let|come|suck|lick|sit|blow|cum|jizz|nut|knees|fuck|bang|smash|screw|eat|wearing|virgin|horny|tits|boobs|ass|pussy|envoie|envoi|montre|baiser|te|suce)(?: |$)/;

/** The sexual-harassment rules a normalised line trips, by name; empty for almost every line. */
export function sexualRules(normalised: string): string[] {
  return rulesTripped(SEXUAL_RULES, ANCHOR, normalised);
}
