namespace OtpWall.Dashboard.Components.Account.Pages;

public partial class Login
{
    [LoggerMessage(LogLevel.Warning, "An account was locked out after failed sign-ins")]
    private static partial void LogLockedOut(ILogger logger);
}
