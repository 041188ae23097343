/// A lifecycle stage. Stages are data (the `stages` table), so this is an open set of names with the
/// defaults as constants.
///
///     try store.move(lead.id, to: .contacted)
///     try store.move(lead.id, to: Stage("discovery"))   // a stage a user added
public struct Stage: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let new = Stage("new")
    public static let contacted = Stage("contacted")
    public static let nurturing = Stage("nurturing")
    public static let mql = Stage("mql")
    public static let sql = Stage("sql")
    public static let opportunity = Stage("opportunity")
    /// Won.
    public static let customer = Stage("customer")
    /// Lost; needs a lost reason; can be recycled into nurturing.
    public static let disqualified = Stage("disqualified")
}

/// What a lead or a rep did. Kinds are data (the `activity_kinds` table), so this is an open set of
/// names with the defaults as constants.
///
///     try store.log(.demoRequest, for: lead.id)
public struct ActivityKind: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let emailOpen = ActivityKind("email_open")
    public static let emailClick = ActivityKind("email_click")
    public static let pageView = ActivityKind("page_view")
    public static let pricingPageView = ActivityKind("pricing_page_view")
    public static let contentDownload = ActivityKind("content_download")
    public static let formSubmit = ActivityKind("form_submit")
    public static let webinarAttended = ActivityKind("webinar_attended")
    public static let emailReply = ActivityKind("email_reply")
    public static let demoRequest = ActivityKind("demo_request")
    public static let unsubscribe = ActivityKind("unsubscribe")
    public static let emailBounce = ActivityKind("email_bounce")
    /// Outbound: a rep's touch (counts as the first response for the SLA).
    public static let call = ActivityKind("call")
    public static let emailSent = ActivityKind("email_sent")
    public static let meeting = ActivityKind("meeting")
}
