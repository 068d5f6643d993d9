#!/bin/bash
# One task of a pybatch run spread over a Slurm job array: task K of N
# analyzes shard K/N of the tree into the parts directory, which every
# node must see (a shared file system), as must the tree, at the same path.
#
#   PARTS=/shared/run1 sbatch --array=0-7 deploy/slurm/pybatch-array.sh /shared/tree [analyze flags]
#   pybatch merge -o /shared/run1.db /shared/run1     # once every task is done
#
# Retry a failed task by submitting its index alone: sbatch --array=3 ...
# (the same PARTS, tree and flags; its part is replaced, nothing else).
# Environment: PARTS (required), PYBATCH (the binary, default pybatch on
# PATH). The array must be contiguous (0-7, or 1-8): the shard is the task
# id counted from SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT.
#SBATCH --job-name=pybatch
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --output=pybatch-%A_%a.log
set -euo pipefail
: "${PARTS:?set PARTS to the directory of the parts, on storage every node sees}"
PYBATCH="${PYBATCH:-pybatch}"
if [ $# -eq 0 ]; then
  echo "usage: PARTS=DIR sbatch --array=0-N pybatch-array.sh TREE... [analyze flags]" >&2
  exit 2
fi
echo "pybatch-array: job ${SLURM_ARRAY_JOB_ID:-?} task ${SLURM_ARRAY_TASK_ID:-?} of ${SLURM_ARRAY_TASK_COUNT:-?} on $(hostname)"
# -j: the CPUs Slurm gave the task (pybatch also reads the affinity mask).
exec "$PYBATCH" analyze --shard auto -o "$PARTS" --progress plain -j "${SLURM_CPUS_PER_TASK:-0}" "$@"
