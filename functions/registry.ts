// The pipeline's functions, one line each: runtimes, deployment profiles, stack.yml, the Knative
// and OpenFaaS manifests, the overlays and the deploy workflow are all derived from this list.
// `npm run new:function <name>` adds a line.
export { default as decisionManager } from './decision-manager/src/function';
export { default as deepAnalyzer } from './deep-analyzer/src/function';
export { default as fastClassifier } from './fast-classifier/src/function';
export { default as gameMessageProxy } from './game-message-proxy/src/function';
export { default as moderation } from './moderation/src/function';
export { default as trainingDataSink } from './training-data-sink/src/function';
