import { DefaultLogger, Runtime } from '@temporalio/worker';

// Quiet the SDK in tests: warnings and errors only.
Runtime.install({ logger: new DefaultLogger('WARN') });
