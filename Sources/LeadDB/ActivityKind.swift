import Foundation

/// What a lead or a rep did. Kinds are data (the `activity_kinds` table), so this is an open set of
/// names with the defaults as constants.
///
///     try store.log(.demoRequest, for: lead.id)
public struct ActivityKind: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as stored in the database.
    public let rawValue: String
    /// Makes a value from its stored name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Makes a value from its stored name.
    public init(_ name: String) { self.rawValue = name }
    /// Makes a value from its stored name.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The name.
    public var description: String { rawValue }

    /// The default `email_open`.
    public static let emailOpen = ActivityKind("email_open")
    /// The default `email_click`.
    public static let emailClick = ActivityKind("email_click")
    /// The default `page_view`.
    public static let pageView = ActivityKind("page_view")
    /// The default `pricing_page_view`.
    public static let pricingPageView = ActivityKind("pricing_page_view")
    /// The default `content_download`.
    public static let contentDownload = ActivityKind("content_download")
    /// The default `form_submit`.
    public static let formSubmit = ActivityKind("form_submit")
    /// The default `webinar_attended`.
    public static let webinarAttended = ActivityKind("webinar_attended")
    /// The default `email_reply`.
    public static let emailReply = ActivityKind("email_reply")
    /// The default `demo_request`.
    public static let demoRequest = ActivityKind("demo_request")
    /// The default `unsubscribe`.
    public static let unsubscribe = ActivityKind("unsubscribe")
    /// The default `email_bounce`.
    public static let emailBounce = ActivityKind("email_bounce")
    /// Outbound: a rep's touch (counts as the first response for the SLA).
    public static let call = ActivityKind("call")
    /// The default `email_sent`.
    public static let emailSent = ActivityKind("email_sent")
    /// The default `meeting`.
    public static let meeting = ActivityKind("meeting")
}
