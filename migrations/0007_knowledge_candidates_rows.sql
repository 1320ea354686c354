-- knowledge_lexical_candidates returns at most p_limit rows (10–300 in practice), but a set-returning
-- function is estimated at 1,000 rows: joined to document_chunks by id, the planner then hashed every
-- chunk of the table (a sequential scan, ≈11–23 ms at 10,000 chunks) instead of looking the candidates
-- up by primary key. Estimating 50 rows gives the index lookups.
ALTER FUNCTION knowledge_lexical_candidates(uuid, uuid, tsquery, integer) ROWS 50;
