-- Nothing to undo: 0031 only made permissive store guards restrictive, as every other tenant
-- table's guard is; turning them permissive again would reopen the defect it mended.
SELECT 1;
