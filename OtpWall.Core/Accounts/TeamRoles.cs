namespace OtpWall.Core.Accounts;

public static class TeamRoles
{
    /// <summary>Manages users, invites and the registration policy. The first account gets it.</summary>
    public const string Administrator = "Administrator";
}
