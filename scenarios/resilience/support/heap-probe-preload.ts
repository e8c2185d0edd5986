/**
 * Loaded with `node --import` into a process that is not ours to edit (the hello sample), so that
 * it answers heap probes over its IPC channel: see `answerHeapProbes`.
 */
import { answerHeapProbes } from './process-probe.js';

answerHeapProbes();
