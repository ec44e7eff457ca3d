// Every pipeline function, for runtimes that host several of them.
import decisionManager from '../functions/decision-manager/src/function';
import deepAnalyzer from '../functions/deep-analyzer/src/function';
import fastClassifier from '../functions/fast-classifier/src/function';
import gateway from '../functions/game-message-proxy/src/function';
import moderation from '../functions/moderation/src/function';
import trainingDataSink from '../functions/training-data-sink/src/function';
import type { PipelineFunction } from '@sinbin/shared/function';

export const FUNCTIONS: readonly PipelineFunction[] = [gateway, fastClassifier, decisionManager, deepAnalyzer, moderation, trainingDataSink];

export function functionNamed(name: string): PipelineFunction {
  const fn = FUNCTIONS.find((f) => f.name === name);
  if (!fn) throw new Error(`unknown function ${name}; known: ${FUNCTIONS.map((f) => f.name).join(', ')}`);
  return fn;
}
