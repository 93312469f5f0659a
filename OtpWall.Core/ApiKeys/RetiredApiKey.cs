namespace OtpWall.Core.ApiKeys;

/// <summary>
/// A key the person replaced or removed while activations it bought were still open: kept encrypted (as
/// <see cref="StoredApiKey"/>) only so those activations can be followed, completed or cancelled, and deleted when the
/// last of them ends.
/// </summary>
public sealed class RetiredApiKey
{
    public required string UserId { get; set; }

    public required string Fingerprint { get; set; }

    public required string Ciphertext { get; set; }

    public required string LastFour { get; set; }

    public DateTimeOffset RetiredAt { get; set; }
}
