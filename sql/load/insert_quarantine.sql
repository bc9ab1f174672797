-- grain: one row per quarantine row of the registered Arrow batch `batch_quarantine` (QuarantineModel columns)
insert into quarantine by name
select * from batch_quarantine
