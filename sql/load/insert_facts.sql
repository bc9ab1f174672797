-- grain: one row per fact of the registered Arrow batch `batch_facts` (FactModel columns)
insert into facts by name
select * from batch_facts
