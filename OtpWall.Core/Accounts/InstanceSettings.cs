namespace OtpWall.Core.Accounts;

/// <summary>Settings an administrator changes at run time; one row.</summary>
public sealed class InstanceSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Chosen by an administrator; unset means <see cref="RegistrationOptions.DefaultPolicy"/>.</summary>
    public RegistrationPolicy? RegistrationPolicy { get; set; }
}
