namespace OtpWall.Core.Accounts;

/// <summary>Who may create an account once the first one (the administrator) exists.</summary>
public enum RegistrationPolicy
{
    /// <summary>Only people holding an unused, unexpired invite link.</summary>
    InviteOnly = 0,

    /// <summary>Anyone who reaches the sign-up page.</summary>
    Open = 1,

    /// <summary>Nobody.</summary>
    Closed = 2,
}
