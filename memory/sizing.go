package memory

// SizingOptions tune BatchSizes. The zero value is valid.
type SizingOptions struct {
	// RecordBytes is the estimated memory of one finished result (record and
	// report) waiting in a chunk or a store transaction. 0 means 16 KiB.
	RecordBytes int64
	// Share is the fraction of the budget that buffered results may take in
	// each of the two places (the stream's chunk, the store's open
	// transaction). 0 means 0.05.
	Share float64
}

// Batches are the batch sizes derived from a memory budget.
type Batches struct {
	// ChunkFiles is how many results a streaming chunk holds before it is
	// handed on (batch.Stream's chunk size).
	ChunkFiles int `json:"chunk_files"`
	// StoreBatch is how many records the store writes per transaction.
	StoreBatch int `json:"store_batch"`
}

// BatchSizes derives the streaming chunk size and the store's transaction
// size from a budget (the original plan's "optimal batch size"): each may
// hold Share of the budget in finished results, clamped to [16, 4096] files
// per chunk and [64, 5000] records per transaction. Above about 5000 rows a
// SQLite transaction gains nothing measurable, and a smaller chunk only
// costs more hand-offs; below the floors the per-batch overhead dominates.
// A budget <= 0 means DefaultBudget.
func BatchSizes(budget int64, o SizingOptions) Batches {
	if budget <= 0 {
		budget = DefaultBudget
	}
	rb := o.RecordBytes
	if rb <= 0 {
		rb = 16 << 10
	}
	share := o.Share
	if share <= 0 || share > 1 {
		share = 0.05
	}
	n := int64(float64(budget) * share / float64(rb))
	return Batches{ChunkFiles: int(clamp(n, 16, 4096)), StoreBatch: int(clamp(n, 64, 5000))}
}

func clamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }
