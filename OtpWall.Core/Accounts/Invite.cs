using System.Security.Cryptography;
using System.Text;

namespace OtpWall.Core.Accounts;

/// <summary>A single-use, expiring invitation to register. Only the SHA-256 of its token is stored.</summary>
public sealed class Invite
{
    public Guid Id { get; set; }

    public required string TokenHash { get; set; }

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public string? UsedByUserId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>What is stored of a token, and looked up when a link is used.</summary>
    internal static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())));
}
