import LeadSQLite

/// What the renderers need to know besides the result.
struct RenderOptions {
    var headers: Bool
    var nullValue: String
}
