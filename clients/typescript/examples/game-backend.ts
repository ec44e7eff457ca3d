// What a game backend does with a chat line: send it, wait briefly for the decision, react.
//   SINBIN_URL=http://127.0.0.1:8080 SINBIN_KEY=<key> npx tsx clients/typescript/examples/game-backend.ts
import { createSinbinClient, type FinalDecision, SinbinError } from '@sinbin/client';

const sinbin = createSinbinClient({ baseUrl: process.env.SINBIN_URL ?? 'http://127.0.0.1:8080', apiKey: process.env.SINBIN_KEY ?? '' });

/** Your game's side: show the line, hide it, or act on the player. */
function react(playerId: string, text: string, decision: FinalDecision | undefined): string {
  if (!decision) return `show "${text}" for now; the decision arrives by webhook`;
  if (decision.verdict === 'allow') return `show "${text}"`;
  const { type, durationSeconds } = decision.action;
  return `hide the line; ${type === 'none' ? 'no action' : `${type} ${playerId}${durationSeconds ? ` for ${durationSeconds} s` : ''}`} (${decision.decidedBy})`;
}

const line = { messageId: `example-${Date.now()}`, channelId: 'match-42', playerId: 'p7', text: process.argv[2] ?? 'gg wp' };
try {
  // Wait at most 1 s: the fast path answers in milliseconds; ambiguous lines may take longer.
  const [answer] = await sinbin.sendAndWait(line, 1);
  console.log(react(line.playerId, line.text, answer?.decision));
} catch (error) {
  if (error instanceof SinbinError && error.retry) console.log('sinbin is busy: retry with the same messageId (it is idempotent)');
  else throw error;
}
