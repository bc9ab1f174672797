-- grain: one row per incident (adds to incidents): some report gave no upper bound ("at least 12")
alter table incidents add column if not exists high_open boolean default false;
