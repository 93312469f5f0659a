namespace OtpWall.Core.Data;

/// <summary>
/// The in-app sandbox's books (accounts, balances, activations, SMS), kept so that a restart changes nothing a person
/// sees. One row; the text is encrypted with the key ring, as it holds the sandbox accounts' keys.
/// </summary>
public sealed class SandboxSnapshot
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public required string Protected { get; set; }

    public DateTimeOffset SavedAt { get; set; }
}
