-- The account history's counts and the repeat-offender rate look up the confirmed cases decided in a period.
CREATE INDEX cases_confirmed ON cases (decision, decided_at);
