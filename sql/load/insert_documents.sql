-- grain: one row per document of the registered Arrow batch `batch_documents` (DocumentModel columns)
insert into documents by name
select * from batch_documents
