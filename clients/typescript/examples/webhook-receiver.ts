// A webhook receiver for sinbin's decisions (Standard Webhooks): verifies the signature with your
// secret(s), refuses deliveries older than 5 minutes and ids already seen, answers 204 once stored.
//   SINBIN_WEBHOOK_SECRETS=whsec_...[,whsec_next] npx tsx clients/typescript/examples/webhook-receiver.ts
import { createServer } from 'node:http';
import { WebhookReceiver, WebhookRejected } from '@sinbin/client/webhooks';

const receiver = new WebhookReceiver({ secrets: (process.env.SINBIN_WEBHOOK_SECRETS ?? '').split(',').filter(Boolean) });

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const payload = receiver.verify(Buffer.concat(chunks).toString('utf8'), req.headers);
      for (const d of payload.data.decisions) console.log(d.messageId, d.verdict, d.action.type);
      res.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookRejected)) throw error;
      res.writeHead(400, { 'content-type': 'text/plain' }).end(error.message);
    }
  });
}).listen(Number(process.env.PORT ?? 9000), () => console.log('listening for sinbin webhooks'));
