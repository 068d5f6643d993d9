#!/bin/bash
# One task of a pybatch run spread over a Slurm job array: task K of N
# analyzes shard K/N of the tree into the parts directory, which every
# node must see (a shared file system), as must the tree, at the same path.
#
#   PYBATCH_SHARDS=8 PARTS=/shared/run1 sbatch --array=0-7 deploy/slurm/pybatch-array.sh /shared/tree [analyze flags]
#   pybatch merge -o /shared/run1.db /shared/run1     # once every task is done
#
# The task id is the shard: --array=0-(N-1). Retry a failed task by
# submitting its id alone, with the same PYBATCH_SHARDS, PARTS, tree and
# flags: sbatch --array=3 ... (its part is replaced, nothing else).
# Environment (sbatch passes it on): PYBATCH_SHARDS and PARTS (required),
# PYBATCH (the binary, default pybatch on PATH).
#SBATCH --job-name=pybatch
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --output=pybatch-%A_%a.log
set -euo pipefail
: "${PARTS:?set PARTS to the directory of the parts, on storage every node sees}"
: "${PYBATCH_SHARDS:?set PYBATCH_SHARDS to the number of shards N (the array is --array=0-N-1)}"
export PYBATCH_SHARDS
PYBATCH="${PYBATCH:-pybatch}"
if [ $# -eq 0 ]; then
  echo "usage: PYBATCH_SHARDS=N PARTS=DIR sbatch --array=0-(N-1) pybatch-array.sh TREE... [analyze flags]" >&2
  exit 2
fi
echo "pybatch-array: job ${SLURM_ARRAY_JOB_ID:-?} task ${SLURM_ARRAY_TASK_ID:-?}: shard ${SLURM_ARRAY_TASK_ID:-?} of $PYBATCH_SHARDS on $(hostname)"
# -j: the CPUs Slurm gave the task (pybatch also reads the affinity mask).
exec "$PYBATCH" analyze --shard auto -o "$PARTS" --progress plain -j "${SLURM_CPUS_PER_TASK:-0}" "$@"
