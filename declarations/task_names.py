"""The Celery task names: services dispatch tasks by these names (through the transactional outbox,
``services.dispatch``) and never import ``tasks``; ``tasks`` registers each task under its name here, and a
test checks that every name is a registered task."""

DECLARATION_RENDER = "declarations.tasks.declaration_render_task"
DECLARATIONS_RENDER_MANY = "declarations.tasks.declarations_render_many_task"
RECEIPTS_INGEST = "declarations.tasks.receipts_ingest_task"
DISPATCH_PENDING = "declarations.tasks.dispatch_pending_task"
OUTBOX_STAGED_SWEEP = "declarations.tasks.outbox_staged_sweep_task"
RECONCILE_STUCK = "declarations.tasks.reconcile_stuck_task"
IMPORT_JOB_RUN = "declarations.tasks.import_job_run_task"

ALL = (
    DECLARATION_RENDER,
    DECLARATIONS_RENDER_MANY,
    RECEIPTS_INGEST,
    DISPATCH_PENDING,
    OUTBOX_STAGED_SWEEP,
    RECONCILE_STUCK,
    IMPORT_JOB_RUN,
)
