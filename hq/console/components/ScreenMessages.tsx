/**
 * What a screen tells its user after an action: the outcome in words (a notice the tests find by
 * its test id) and, apart, what went wrong.
 */
export function ScreenMessages({
  notice,
  error,
  testId,
}: {
  notice?: string | undefined;
  error?: string | undefined;
  testId: string;
}) {
  return (
    <>
      {notice && (
        <p className="notice" data-testid={testId}>
          {notice}
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </>
  );
}
