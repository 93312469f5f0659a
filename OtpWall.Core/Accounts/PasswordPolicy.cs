namespace OtpWall.Core.Accounts;

/// <summary>The password lengths, for the rules and for the forms that explain them.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;

    public const int MaxLength = 128;
}
