namespace OtpWall.Core.ApiKeys;

/// <summary>A user's OTPWALL key at rest: Data Protection ciphertext bound to the user, plus the last four characters.</summary>
public sealed class StoredApiKey
{
    public required string UserId { get; set; }

    public required string Ciphertext { get; set; }

    public required string LastFour { get; set; }

    public DateTimeOffset SavedAt { get; set; }
}
