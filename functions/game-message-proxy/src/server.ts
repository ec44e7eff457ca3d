// Entry point of this function's own process (of-watchdog upstream or Knative container).
import { runStandalone } from '@sinbin/runtime';
import definition from './function';

await runStandalone(definition);
