using OtpWall.Core.Accounts;

namespace OtpWall.Tests.Accounts;

public sealed class PredictablePasswordsTests
{
    [Theory]
    [InlineData("bbbbbbbbbbbb")]
    [InlineData("123456789013")]
    [InlineData("qwertyqwerty12")]
    [InlineData("1qaz2wsx3edc4rfv")]
    [InlineData("zxcvbnm,./123")]
    [InlineData("abcdabcdabcd")]
    [InlineData("zyxwvutsrqponm")]
    [InlineData("QWERTYUIOP1234")]
    [InlineData("0987654321poiu")]
    [InlineData("asdfasdfasdf!!")]
    public void RepeatsSequencesAndKeyboardWalks_AreRefused(string password) =>
        Assert.True(PredictablePasswords.IsPredictable(password), $"{password}: {PredictablePasswords.Surprises(password)} surprises");

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("another long passphrase")]
    [InlineData("a brand new passphrase")]
    [InlineData("a fresh start passphrase")]
    [InlineData("violet mango tractor")]
    [InlineData("Tr0ub4dor&3-lamp")]
    [InlineData("we were there again")]
    [InlineData("kx7!Rm2#pQ9z")]
    [InlineData("sweet sixteen candles")]
    public void PasswordsAGuesserCannotPredict_Pass(string password) =>
        Assert.False(PredictablePasswords.IsPredictable(password), $"{password}: {PredictablePasswords.Surprises(password)} surprises");
}
