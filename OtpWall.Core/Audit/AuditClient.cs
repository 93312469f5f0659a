namespace OtpWall.Core.Audit;

/// <summary>
/// The address of the client whose request or circuit event is being handled, as the host's trusted forwarded headers
/// gave it. The host sets it around every request and every circuit event; the audit log reads it.
/// </summary>
public static class AuditClient
{
    private static readonly AsyncLocal<string?> s_address = new();

    public static string? Address
    {
        get => s_address.Value;
        set => s_address.Value = value;
    }
}
