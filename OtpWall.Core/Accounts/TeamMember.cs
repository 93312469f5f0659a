namespace OtpWall.Core.Accounts;

/// <summary>A user as an administrator sees them.</summary>
public sealed record TeamMember(string Id, string Email, bool IsAdministrator, bool IsDisabled, bool IsLockedOut, DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt = null);

/// <summary>An invite as an administrator sees it (the token itself is shown only once, when created).</summary>
public sealed record InviteSummary(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, string? UsedBy, bool IsRevoked);

/// <summary>A new invite: the link token, to be shown once.</summary>
public sealed record CreatedInvite(Guid Id, string Token, DateTimeOffset ExpiresAt);
