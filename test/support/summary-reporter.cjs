// mocha's spec output, then the plain closing line CI reads: "N passed, N failed, N skipped".
// The same line goes to $DOCKNET_SUMMARY_FILE when set, so the scripts that total several
// runs take each run's counts from the run itself, never from what it printed.
// In CI a skipped test counts as failed and fails the run, unless its full title matches the
// regular expression $DOCKNET_ALLOW_SKIP: CI must never go green by testing nothing.
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

function skipForbidden(title) {
  if (!process.env.CI) return false;
  const allowed = process.env.DOCKNET_ALLOW_SKIP;
  return !allowed || !new RegExp(allowed).test(title);
}

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const forbidden = [];
    runner.on(EVENT_TEST_PENDING, (test) => {
      if (skipForbidden(test.fullTitle())) forbidden.push(test.fullTitle());
    });
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      for (const title of forbidden) process.stdout.write(`skipped, which CI forbids: ${title}\n`);
      // mocha's exit status is runner.failures, read by a listener that runs after this one
      runner.failures += forbidden.length;
      const line = `${passes} passed, ${failures + forbidden.length} failed, ${pending - forbidden.length} skipped`;
      if (process.env.DOCKNET_SUMMARY_FILE) writeFileSync(process.env.DOCKNET_SUMMARY_FILE, `${line}\n`);
      process.stdout.write(`${line}\n`);
    });
  }
}

module.exports = SpecWithSummary;
