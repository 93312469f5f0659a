namespace OtpWall.Sandbox;

/// <summary>An OTPWALL error answer: the HTTP status, a machine code and a sentence for people.</summary>
public sealed class SandboxRefusalException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static SandboxRefusalException Unauthorized() => new(401, "unauthorized", "Missing or invalid API key.");

    public static SandboxRefusalException NotFound() => new(404, "not_found", "Activation not found.");
}
