extension Migrations {
    /// Migration 3: the kept totals of `analyze_sales` (see ``KeptSalesTotals``): per UTC hour, day
    /// and month, by charge code, item and category, filled from the rows already there. No trigger
    /// does per-row arithmetic: batch writers add their sales in a few set statements at the end of
    /// their transaction, and any other change marks the days it touches for a rebuild.
    static var salesAnalysisTotalsSchema: String { KeptSalesTotals.schema + KeptSalesTotals.fillSQL }
}
