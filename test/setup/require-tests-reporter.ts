/**
 * A reporter that fails the run when no test executed (every test skipped or filtered out, or
 * nothing collected): a run that proves nothing must not look green. It only ever raises the
 * exit code; vitest itself sets it for failed tests and errors.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class RequireTestsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let executed = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed' || state === 'failed') executed++;
      }
    }
    if (executed === 0) {
      process.exitCode = 1;
      process.stderr.write(
        '\nNo test was executed: failing the run (a run that tests nothing proves nothing).\n',
      );
    }
  }
}
