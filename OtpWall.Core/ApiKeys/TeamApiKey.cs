namespace OtpWall.Core.ApiKeys;

/// <summary>
/// The instance's team key at rest (Data Protection ciphertext under its own purpose). The current one has no
/// <see cref="RetiredAt"/>; a replaced or removed one is kept only while activations it bought are open.
/// </summary>
public sealed class TeamApiKey
{
    public required string Fingerprint { get; set; }

    public required string Ciphertext { get; set; }

    public required string LastFour { get; set; }

    public DateTimeOffset SavedAt { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }
}
