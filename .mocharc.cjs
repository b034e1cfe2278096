// A script rather than JSON: whether a skip fails the run depends on where it runs. On a
// developer's machine without an engine or root some tests skip; in CI (CI set) none may,
// unless $DOCKNET_ALLOW_SKIP names it, and then summary-reporter.cjs applies that rule.
module.exports = {
  spec: [
    'dist/test/unit/**/*.test.js',
    'dist/test/integration/**/*.test.js',
    'dist/test/transports/**/*.test.js',
    'dist/test/variants/**/*.test.js',
  ],
  timeout: 120000,
  reporter: 'test/support/summary-reporter.cjs',
  'forbid-only': true,
  'forbid-pending': Boolean(process.env.CI) && !process.env.DOCKNET_ALLOW_SKIP,
  'fail-zero': true,
};
