namespace OtpWall.Dashboard.Components.Account.Pages;

public partial class Register
{
    [LoggerMessage(LogLevel.Information, "A new account was registered")]
    private static partial void LogRegistered(ILogger logger);
}
