DROP TABLE pos.pending_enrollment;
