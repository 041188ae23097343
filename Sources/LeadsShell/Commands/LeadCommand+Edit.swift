import Foundation
import LeadDB
import LeadSQLite

/// Editing a lead's fields, checked as `UPDATE leads` is and kept in its field history.
extension LeadCommand {
    static let editCommands: [LeadCommand] = [
        LeadCommand(name: "edit", arguments: "ID|EMAIL FIELD=VALUE ...", summary: "change a lead's fields (FIELD= clears one); each change is kept in its history, shown by show", arity: 2...Int.max) { shell, store, args in
            let lead = try resolveLead(args[0], store, argument: 0)
            let custom = try store.customFields()
            var changes: [(field: String, value: String?)] = []
            var customPatch: [String: String?] = [:]
            for (index, argument) in args.enumerated().dropFirst() {
                guard let equals = argument.firstIndex(of: "=") else { throw UsageError(argument: index, message: "expected FIELD=VALUE, not \(argument)") }
                let key = String(argument[..<equals])
                let text = String(argument[argument.index(after: equals)...])
                let value: String? = text.isEmpty ? nil : text
                let column: String? = key.lowercased() == "amount" ? "amount" : NewLead.field(named: key).map(\.column)
                if let column, LeadStore.editableFields.contains(column), column != "custom" {
                    changes.append((column, value))
                } else if let field = custom.first(where: { $0.isNamed(key) }) {
                    customPatch[field.name] = value
                } else {
                    let names = ["email", "first", "last", "phone", "company", "title", "industry", "size", "country", "source", "campaign", "consent", "amount"]
                    throw UsageError(argument: index, message: "\(key) is not a field edit sets (fields: \(names.joined(separator: ", "))\(custom.isEmpty ? "" : "; custom fields: " + custom.map(\.name).joined(separator: ", "))); move and assign change the stage and owner")
                }
            }
            if !customPatch.isEmpty {
                let members = customPatch.keys.sorted().map { key in "\(JSONText.quoted(key)):\(customPatch[key]!.map(JSONText.quoted) ?? "null")" }
                changes.append(("custom", "{" + members.joined(separator: ",") + "}"))
            }
            let made = try store.edit(lead.id, changes, by: shellUser())
            guard !made.isEmpty else { shell.out.write("Nothing changed: lead \(lead.id) has those values already.\n"); return }
            var text = "Edited lead \(lead.id)\(lead.name.map { " (\($0))" } ?? ""):\n"
            for change in made { text += "  \(change.field): \(change.oldValue ?? "-") -> \(change.newValue ?? "-")\n" }
            shell.out.write(text)
        },
    ]
}
