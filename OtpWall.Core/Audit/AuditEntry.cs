namespace OtpWall.Core.Audit;

/// <summary>
/// One line of the audit log: who did what to whom, from which address, in one sentence. Written once and never
/// changed (the database refuses updates); only the daily retention prune deletes. Never holds a secret, a full key,
/// a password, a cookie or an SMS text.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>Who did it; null for the dashboard itself (the poller, a start-up check) or an unknown e-mail.</summary>
    public string? ActorId { get; set; }

    /// <summary>The actor's e-mail when it happened (kept when the account is gone).</summary>
    public string? ActorEmail { get; set; }

    /// <summary>Whose account it concerns (the actor's own for most actions).</summary>
    public string? SubjectId { get; set; }

    public string? SubjectEmail { get; set; }

    /// <summary>The client's address as the trusted forwarded headers give it; null for the dashboard's own actions.</summary>
    public string? ClientAddress { get; set; }

    public required string Text { get; set; }
}
