-- Placeholder on branch "rights" only: version 0007 is reserved for
-- another branch, and versions must run without gaps. Delete this file
-- when the real 0007 is merged.
SELECT 1;
