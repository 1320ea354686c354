-- Lexical candidates for knowledge search. A function so its query is planned with random_page_cost
-- suited to SSD storage (Neon, local disks): with the default of 4 the planner prefers a sequential
-- scan that detoasts every chunk's tsvector over the GIN index (≈5x slower at 10,000 chunks).
CREATE FUNCTION knowledge_lexical_candidates(p_tenant uuid, p_collection uuid, p_query tsquery, p_limit integer)
RETURNS TABLE (id uuid, rank real)
LANGUAGE sql STABLE
SET random_page_cost = 1.1
AS $$
  SELECT c.id, ts_rank_cd(c.tsv, p_query, 32)
  FROM document_chunks c
  WHERE c.tenant_id = p_tenant
    AND (p_collection IS NULL OR c.collection_id = p_collection)
    AND c.tsv @@ p_query
  ORDER BY 2 DESC, c.id
  LIMIT p_limit
$$;
