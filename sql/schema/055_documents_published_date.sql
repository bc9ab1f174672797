-- grain: one row per document (adds a column): the publication date as published, in the publisher's own
-- time zone; relative dates ("yesterday", "on Friday") resolve against it, in a run and in reprocess alike
alter table documents add column if not exists published_date date;
