Reverses its input: reads bytes up to the end of the input (0) then writes them last first
>,[>,]<[.<]
