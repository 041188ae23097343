import LeadDB

func requireLead(_ id: Int64, _ store: LeadStore) throws -> Lead {
    guard let lead = try store.lead(id: id) else { throw LeadError.unknownLead(message: "unknown_lead: no lead has id \(id)") }
    return lead
}

/// A lead by id or email; a wrong one is a usage error pointing at the argument.
func resolveLead(_ text: String, _ store: LeadStore, argument: Int) throws -> Lead {
    if let id = Int64(text) {
        guard let lead = try store.lead(id: id) else { throw UsageError(argument: argument, message: "no lead has id \(id)") }
        return lead
    }
    guard text.contains("@") else { throw UsageError(argument: argument, message: "expected a lead id or an email, not \(text)") }
    guard let lead = try store.lead(email: text) else { throw UsageError(argument: argument, message: "no lead has email \(text)") }
    return lead
}

/// A rep by id or name (case-insensitive, unique prefix accepted).
func resolveRep(_ text: String, _ store: LeadStore, argument: Int) throws -> Rep {
    let reps = try store.reps()
    if let id = Int64(text), let rep = reps.first(where: { $0.id == id }) { return rep }
    let lower = text.lowercased()
    if let rep = reps.first(where: { $0.name.lowercased() == lower }) { return rep }
    let matches = reps.filter { $0.name.lowercased().hasPrefix(lower) }
    if matches.count == 1 { return matches[0] }
    let names = reps.map(\.name).joined(separator: ", ")
    throw UsageError(argument: argument, message: matches.isEmpty ? "no rep \(text) (reps: \(names.isEmpty ? "none yet" : names))" : "\(text) matches several reps: \(matches.map(\.name).joined(separator: ", "))")
}
