namespace OtpWall.Core.ApiKeys;

/// <summary>A user's OTPWALL key at rest: Data Protection ciphertext bound to the user, plus the last four characters.</summary>
public sealed class StoredApiKey
{
    public required string UserId { get; set; }

    public required string Ciphertext { get; set; }

    public required string LastFour { get; set; }

    /// <summary>See <see cref="OtpWallApiKey.Fingerprint"/>; null for keys saved before fingerprints were recorded.</summary>
    public string? Fingerprint { get; set; }

    public DateTimeOffset SavedAt { get; set; }
}
