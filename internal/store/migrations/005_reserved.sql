-- Placeholder: number 005 belongs to the statistics releases, written on another branch. This
-- file keeps the sequence whole on the branch that adds 006; delete it when 005 arrives.
SELECT 1;
