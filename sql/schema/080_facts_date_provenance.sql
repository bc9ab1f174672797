-- grain: facts (one row per extracted fact); adds the date range end, the words a date came from,
-- and which context rule filled each field (JSON object field -> "file:rule"). Idempotent.
alter table facts add column if not exists date_end date;
alter table facts add column if not exists date_text varchar;
alter table facts add column if not exists context_rules varchar;
