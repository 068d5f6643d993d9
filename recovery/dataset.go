package recovery

// Classes of dataset rows (permanent).
const (
	// InvalidRow: a row of a dataset (Parquet, JSON Lines) that gives no
	// source text: its content column is missing, NULL or not a string,
	// or its JSON line does not parse.
	InvalidRow Class = "invalid_row"
	// CorruptDataset: a dataset file is truncated or damaged: the rows
	// read before the damage keep their records, and one failed record
	// (named "#N", N the first row not read) stands for the rest.
	CorruptDataset Class = "corrupt_dataset"
)
